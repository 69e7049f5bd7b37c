-- wrk script: the ProductCatalogue operation of the visitor frontend, first 24, in Arabic.
local f = assert(io.open(os.getenv("BODY_FILE") or "bench/catalogue.json", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = "ar"
