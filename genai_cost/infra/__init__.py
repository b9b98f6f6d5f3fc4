"""Infrastructure definitions priced: Terraform plans and CloudFormation (or CDK synth)
templates read as resources (read.py), each priced from the snapshot where its capacity is
fixed by the definition (price.py)."""
