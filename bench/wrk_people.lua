-- Signed-in requests for wrk: each request carries the cookies of the next person in turn, read from the file
-- named by the WRK_SESSIONS environment variable (a Cookie header's value a line: session and CSRF cookies). Reports like
-- wrk_report.lua (loaded from WRK_REPORT_LUA).
dofile(os.getenv("WRK_REPORT_LUA"))

local cookies = {}
for line in io.lines(os.getenv("WRK_SESSIONS")) do
  cookies[#cookies + 1] = line
end
local turn = math.random(#cookies)

request = function()
  turn = turn % #cookies + 1
  return wrk.format(nil, nil, {["Cookie"] = cookies[turn]})
end
