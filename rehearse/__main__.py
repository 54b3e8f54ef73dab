from rehearse.cli import app

app(prog_name="rehearse")
