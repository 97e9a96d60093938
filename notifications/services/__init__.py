"""Write services of the notifications: deadlines, the sweep, delivery and the inbox."""
