-- book.lua: wrk script of the booking benchmark. Each request POSTs a
-- booking for a start that no other request uses: the starts come from a
-- file (one per line, made by setup.py), thread k of n taking the starts
-- k, k + n, k + 2n, ... The statuses are counted per thread and summed in
-- done(), and the ids of the bookings answered 201 are written to
-- IDS_PREFIX.K (one file per thread), so the run can compare them with the
-- database.
--
-- usage: wrk -t N -s bench/book.lua URL -- STARTS_FILE N IDS_PREFIX

local threads = {}
local counter = 1

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

function init(args)
   starts = {}
   for line in io.lines(args[1]) do
      starts[#starts + 1] = line
   end
   -- setup() of thread k runs before the next thread exists, so the
   -- thread count comes as an argument.
   nth = tonumber(args[2])
   k = id
   n201, n409, nother, nsent = 0, 0, 0, 0
   ids = assert(io.open(args[3] .. "." .. id, "w"))
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   local i = k
   k = k + nth
   nsent = nsent + 1
   if i > #starts then
      i = ((i - 1) % #starts) + 1	-- wrapped: will be a 409
   end
   local body = string.format('{"start":"%s","name":"Client %d",' ..
      '"email":"client%d@example.org"}', starts[i], i, i)
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   if status == 201 then
      n201 = n201 + 1
      local bid = string.match(body, '"id": *"([0-9a-f-]+)"')
      ids:write((bid or "?") .. "\n")
      ids:flush()
   elseif status == 409 then
      n409 = n409 + 1
   else
      nother = nother + 1
   end
end

function done(summary, latency, requests)
   local a, b, c, d = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      a = a + t:get("n201")
      b = b + t:get("n409")
      c = c + t:get("nother")
      d = d + t:get("nsent")
   end
   io.write(string.format("book: 201=%d 409=%d other=%d sent=%d\n",
      a, b, c, d))
end
