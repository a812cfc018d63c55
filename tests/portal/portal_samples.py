"""The hostile study the portal tests load: its title must always be shown as text."""

HOSTILE_ID = "2022-A99041-34"
HOSTILE_TITLE = '<script>alert("titre")</script> Étude <b>hostile</b> & "citée" sur le sommeil'
