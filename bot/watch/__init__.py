"""見守り: daily check-ins with their watchers, and the neighbour who goes to the door.

checkins.py keeps who is watched and by whom; schedule.py greets, reminds and alerts from
the database on each tick of the clock; answers.py reads replies; visits.py sends a helper.
Nothing here knows a chat platform: it writes Outboxes, the handlers and jobs send them.
"""
