-- POST one random record.  wrk ... -s post_one.lua <url> -- <api key> <table>
local path
local statuses = { "new", "active", "paused", "churned" }
local template = '{"name":"Customer %d","email":"user%d@example.com","amount":%.2f,'
   .. '"status":"%s","created":"%04d-%02d-%02d","active":%s,'
   .. '"payload":{"score":%d,"tags":["alpha","beta"]}}'

function init(args)
   wrk.headers["x-api-key"] = args[1]
   wrk.headers["content-type"] = "application/json"
   path = "/rest/db/" .. args[2]
   math.randomseed(os.time())
end

function request()
   local number = math.random(0, 999999999)
   local body = string.format(
      template,
      number,
      number,
      math.random() * 10000,
      statuses[math.random(1, 4)],
      math.random(2020, 2025),
      math.random(1, 12),
      math.random(1, 28),
      math.random() < 0.5 and "true" or "false",
      math.random(0, 99)
   )
   return wrk.format("POST", path, nil, body)
end
