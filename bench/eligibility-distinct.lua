-- A different SIRET at each request: every check reaches INSEE (the fake adds its latency).
dofile(os.getenv("BENCH_DIR") .. "/sirets.lua")
local n = tonumber(os.getenv("BENCH_OFFSET") or "0")
request = function()
  n = n + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"},
    "siret=" .. bench_siret(n))
end
