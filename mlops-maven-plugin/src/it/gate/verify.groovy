// build.log holds both invocations: the passing gate, then the failing one.
def log = new File(basedir, 'build.log').getText('UTF-8')
def passed = log.indexOf('Validation gate passed: model \'churn\' candidate \'latest\'')
def failed = log.indexOf('Validation gate failed: model \'churn\' candidate \'latest\' against \'champion\'')
assert passed >= 0
assert failed > passed
// the failure message carries the gate's rule table
def report = log.substring(failed)
assert report =~ /accuracy >= 0\.999 +- +0\.\d+ .* FAIL/
assert report =~ /accuracy not-worse-than-champion-by 0\.05 .* pass/
assert log.contains('BUILD FAILURE')
// the JSON result of the last run
assert new File(basedir, 'target/gate.json').getText('UTF-8') =~ /"passed" *: *false/
return true
