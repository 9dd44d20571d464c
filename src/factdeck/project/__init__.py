"""Commands that make or edit a project's own files: `factdeck init` (init.py) and the vetting workflow
(vetting.py). They read and write the records layer's files and never run a build."""
