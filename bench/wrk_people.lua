-- Requests for wrk that change from one to the next: each carries the cookies of the next person in turn, read
-- from the file named by WRK_SESSIONS (a Cookie header's value a line: session and CSRF cookies; none when
-- empty), and asks for the next path in turn of the file named by WRK_PATHS (a path a line; the URL's own
-- path when empty). Reports like wrk_report.lua (loaded from WRK_REPORT_LUA).
dofile(os.getenv("WRK_REPORT_LUA"))

local function lines_of(name)
  local lines = {}
  if name and name ~= "" then
    for line in io.lines(name) do
      lines[#lines + 1] = line
    end
  end
  return lines
end

local cookies = lines_of(os.getenv("WRK_SESSIONS"))
local paths = lines_of(os.getenv("WRK_PATHS"))
local turn = math.random(math.max(#cookies, 1))
local place = math.random(math.max(#paths, 1))

request = function()
  local headers = {}
  if #cookies > 0 then
    turn = turn % #cookies + 1
    headers["Cookie"] = cookies[turn]
  end
  local path = nil
  if #paths > 0 then
    place = place % #paths + 1
    path = paths[place]
  end
  return wrk.format(nil, path, headers)
end
