-- Shared by the wrk scripts in this directory: the bearer token and board id come from
-- the environment (bench/lib/common.sh seeds them), and done() prints one
-- machine-readable line that the shell scripts parse, next to wrk's own --latency table.
local common = {}

function common.env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error("wrk script needs " .. name .. " in the environment")
  end
  return value
end

function common.auth_headers()
  return { ["Authorization"] = "Bearer " .. common.env("RB_TOKEN") }
end

-- wrk counts non-2xx/3xx answers in errors.status: a benchmark that measured 401s or
-- 503s would look fast and mean nothing, so the line carries them for the script to check.
function common.report(summary, latency)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RB_RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "mean_us=%.1f non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end

return common
