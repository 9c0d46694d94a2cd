from gwctl.main import run

run()
