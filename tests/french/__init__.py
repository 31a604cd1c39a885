"""The French screens and mails: every page, fragment, form error and mail of the portal as a
French-speaking person meets them, checked for English left behind."""
