"""The redemption wizard (Choose → Key → Review → Done): its typed state and where it is kept
(``state``), and its steps (``steps``). The view in ``benefits.views.redeem`` only loads the
state, lets the step act, saves the state once and renders."""
