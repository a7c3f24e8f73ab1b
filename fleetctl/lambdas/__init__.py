"""Running the transformation Lambdas the way Firehose does: events, invocation (in-process or
through the Lambda Invoke API), contract checks, a local Invoke API endpoint and the deployment zip.
"""
