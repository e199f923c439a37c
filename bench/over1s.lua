-- wrk script for bench/run.sh: after the run, prints how many requests took longer than
-- 1 s (the issue's analytics target is "no request over 1 s"). wrk's percentiles do not
-- say that, and a request past wrk's --timeout is in no percentile: it is counted apart.
-- Only done() is defined, so wrk keeps its fast native request path.
function done(summary, latency, requests)
  local over = 0
  for i = 1, #latency do
    local value, count = latency(i) -- microseconds, and how many requests took that long
    if value > 1000000 then over = over + count end
  end
  io.write(string.format("over1s %d timeouts %d completed %d\n", over, summary.errors.timeout, summary.requests))
end
