-- POST /api/boards/{id}/elements: every request inserts one sticky note (a SQLite write
-- transaction), so this measures the write path including JSON validation.
local common = dofile(os.getenv("RB_WRK_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.path = "/api/boards/" .. common.env("RB_BOARD_ID") .. "/elements"
wrk.headers = common.auth_headers()
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"sticky_note","x":120.5,"y":-40,"width":200,"height":150,' ..
           '"rotation":0,"z_index":3,"style":{"fill":"#ffd54f"},"text":"Ship it"}'

function done(summary, latency, requests)
  common.report(summary, latency)
end
