-- The live SIRET check of one establishment again and again (answer cached after the first).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "siret=" .. (os.getenv("BENCH_SIRET") or "47728084603753")
