"""The pages of the inbox, the user's tasks and settings, deadlines and failed deliveries."""
