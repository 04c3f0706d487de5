-- wrk script of bench/serving.py. Arguments (after --): mode, requests file, pause in ms.
--   mode "recommendations": each line of the file is a path (GET);
--   mode "score": each line is a JSON body for POST /v1/score.
-- Each connection pauses after a response before its next request, for a random time
-- of mean `pause` ms (exponential: the connections do not fall into step, and together
-- they send near-Poisson arrivals); bench/serving.py calibrates the mean to a target
-- rate. A pause of 0 is closed loop.
-- done() prints one JSON line: counts, errors and latency percentiles in microseconds.

local mode, pause
local lines = {}
local at = 0

function init(args)
  mode, pause = args[1], tonumber(args[3])
  for line in io.lines(args[2]) do
    lines[#lines + 1] = line
  end
  -- Threads start at different places in the file.
  at = math.random(#lines)
end

function request()
  at = at % #lines + 1
  if mode == "score" then
    return wrk.format("POST", "/v1/score", { ["Content-Type"] = "application/json" }, lines[at])
  end
  return wrk.format("GET", lines[at])
end

function delay()
  if pause == 0 then
    return 0
  end
  return math.floor(-pause * math.log(1 - math.random()) + 0.5)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, '
      .. '"p999": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
