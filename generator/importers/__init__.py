"""Importing policies and their versions from AWS data into data/.

Each source has one module that turns it into plain records (`records.Source`): `corpus` (the
public history of AWS managed policies), `account_details` (the output of
`aws iam get-account-authorization-details` or `get-policy-version`) and `iam` (live, with boto3).
`merge` plans what those records add to data/ and then writes it, never rewriting what people
wrote (`yamledit` appends to their YAML without touching another byte).
"""
