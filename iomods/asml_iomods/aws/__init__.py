"""The standard AWS IOmods, ``akkoro.aws.*``: each mirrors its service's API call for call.

Inputs are the API's request parameters as JSON (as in the AWS documentation and boto3),
results are the API's response without ``ResponseMetadata``. They use the credentials and
region of the Lambda function (the execution role), and honour ``AWS_ENDPOINT_URL`` /
``AWS_ENDPOINT_URL_<SERVICE>`` so that they can point at a local AWS such as moto.
"""
