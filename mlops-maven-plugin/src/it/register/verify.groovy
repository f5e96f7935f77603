// The last invocation's log: the file was registered by the first run, so the second finds it.
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('Already registered: churn v1 (onnx')
assert log.contains('model/churn.onnx at commit 0123456789abcdef0123456789abcdef01234567')
assert !log.contains('Registered churn v2')
assert log.contains('BUILD SUCCESS')
assert new File(basedir, 'target/ws/mlops.db').isFile()
return true
