-- Wrong passwords for unknown addresses from 60 client addresses (X-Forwarded-For, the server
-- trusts the loopback proxy), each address well within its free tries for the first seconds.
local n = 0
request = function()
  n = n + 1
  local body = "email=inconnu" .. n .. "%40example.fr&password=Pas+le+bon+mot+de+passe%21"
  return wrk.format("POST", "/api/connexion", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["X-Forwarded-For"] = "198.51.100." .. (n % 60 + 1),
  }, body)
end
