"""Trust Coach's input channels: Rasa's REST and socket.io channels, with the coach's checks."""
