-- GET /api/boards/{id} as board_read.lua, but each connection waits RB_PACE_MS
-- milliseconds (whole milliseconds, default 1) before each request: the offered load is
-- about connections / (pace + latency), the same for any server fast enough to answer
-- within the pace, so two builds can be compared at the same moderate rate.
local common = dofile(os.getenv("RB_WRK_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/api/boards/" .. common.env("RB_BOARD_ID")
wrk.headers = common.auth_headers()

local pace = tonumber(os.getenv("RB_PACE_MS") or "1")

function delay()
  return pace
end

function done(summary, latency, requests)
  common.report(summary, latency)
end
