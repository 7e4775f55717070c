-- GET /api/boards/{id} with a bearer token: authentication, membership check and one
-- board row read, all through the service's database pool.
local common = dofile(os.getenv("RB_WRK_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/api/boards/" .. common.env("RB_BOARD_ID")
wrk.headers = common.auth_headers()

function done(summary, latency, requests)
  common.report(summary, latency)
end
