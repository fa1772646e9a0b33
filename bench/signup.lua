-- « CRÉER » with a new approved SIRET and address at each request.
dofile(os.getenv("BENCH_DIR") .. "/sirets.lua")
local n = 0
request = function()
  n = n + 1
  local email = "banc" .. n .. "@example.fr"
  local body = "siret=" .. bench_siret(n) .. "&organisation=Centre&last_name=Dupont&first_name=Claire"
    .. "&email=" .. email .. "&email_confirmation=" .. email
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
