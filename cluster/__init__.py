"""What the Rasa server needs to run as several replicas (make cluster, deploy/)."""
