-- GET a random page of records with a count.
-- wrk ... -s page.lua <url> -- <api key> <table> <limit> <pages> <count: exact|estimated|none>
local prefix, pages

function init(args)
   wrk.headers["x-api-key"] = args[1]
   prefix = "/rest/db/" .. args[2] .. "?limit=" .. args[3] .. "&count=" .. args[5] .. "&page="
   pages = tonumber(args[4])
   math.randomseed(os.time())
end

function request()
   return wrk.format("GET", prefix .. math.random(1, pages))
end
