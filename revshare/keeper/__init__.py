"""The keeper: disburses every configured splitter that is due, on any number of networks."""
