package qnapglacier_test

const defaultBucket = "family-photos"
