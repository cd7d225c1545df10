"""What every process of Trust Coach shares: the server secret and logs that carry no one's words."""
