-- GET /api/boards/{id}/elements with a bearer token: authentication, the caller's role
-- and one page of the board's elements (the default page: up to 100).
local common = dofile(os.getenv("RB_WRK_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/api/boards/" .. common.env("RB_BOARD_ID") .. "/elements"
wrk.headers = common.auth_headers()

function done(summary, latency, requests)
  common.report(summary, latency)
end
