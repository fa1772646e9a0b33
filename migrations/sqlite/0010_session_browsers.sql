-- What the space's list of open sessions shows of each: the browser (its User-Agent, bounded)
-- and the client's address at login. Sessions opened before show neither.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
