# Sourced by the run and test scripts: puts the project's tools on PATH.
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
