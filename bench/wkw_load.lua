-- wrk script for bench/serve_bench.sh: Who Knows Whom requests, cycling through the targets in
-- the file named by WKW_TARGETS, with the bearer token in WKW_TOKEN. Every non-200 answer counts
-- as an error (wrk reports them as "Non-2xx or 3xx responses").
local token = os.getenv("WKW_TOKEN")
local targets = {}
for line in io.lines(os.getenv("WKW_TARGETS")) do targets[#targets + 1] = line end
local i = 0

wrk.headers["Authorization"] = "Bearer " .. token

function request()
  i = i + 1
  local target = targets[(i % #targets) + 1]
  return wrk.format("GET", "/v1/who-knows?as_of=2026-06-28&top=5&target=" .. target)
end
