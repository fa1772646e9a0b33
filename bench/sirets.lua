-- Valid SIRETs of the benchmark family: "8" .. 12-digit counter .. Luhn check digit.
function bench_siret(n)
  local base = string.format("8%012d", n)
  for d = 0, 9 do
    local s = base .. d
    local sum = 0
    for i = 1, 14 do
      local c = tonumber(s:sub(15 - i, 15 - i))
      if i % 2 == 0 then
        c = c * 2
        if c > 9 then c = c - 9 end
      end
      sum = sum + c
    end
    if sum % 10 == 0 then return s end
  end
end
