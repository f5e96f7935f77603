3org.tribuo.classification.sgd.linear.LinearSGDModelÇ1
Jtype.googleapis.com/tribuo.classification.sgd.ClassificationLinearSGDProtoø0
Ô.
linear-sgd-modelÎ*
ýlinearsgdmodel-03org.tribuo.classification.sgd.linear.LinearSGDModel"%org.tribuo.provenance.ModelProvenance*
instance-values*
tribuo-version*
java-version*
trainer*
os-arch*

trained-at*
os-name*
dataset*

class-name	
õ
mutabledataset-1org.tribuo.MutableDataset"'org.tribuo.provenance.DatasetProvenance*
num-features*
num-examples*
num-outputs*
tribuo-version*

datasource*
transformations*
is-sequence*
is-dense*

class-name
àlogisticregressiontrainer-2>org.tribuo.classification.sgd.linear.LogisticRegressionTrainer"0org.tribuo.provenance.impl.TrainerProvenanceImpl*
seed*
tribuo-version*
minibatchSize*
train-invocation-count*
is-sequence*
shuffle*

epochs*
	optimiser*
host-short-name*

class-name*
loggingInterva