-- GET one record by a random id.  wrk ... -s get_one.lua <url> -- <api key> <table> <highest id>
local table_name, highest

function init(args)
   wrk.headers["x-api-key"] = args[1]
   table_name = args[2]
   highest = tonumber(args[3])
   math.randomseed(os.time())
end

function request()
   return wrk.format("GET", "/rest/db/" .. table_name .. "/" .. math.random(1, highest))
end
