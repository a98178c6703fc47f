"""Planning screens: `pages` (the workbench, intentions, a project's and a plan's page, the project
form, the method preview) and `actions` (one URL per action on a budget line, project or plan)."""
