"""`make bench`: cold start, warm overhead, DynamoDB capacity and package size, each as a ratio
to a floor measured in the same run. `python -m bench.run --help`; the method is in README.md."""
