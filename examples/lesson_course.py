"""A course's own penguin script (Keras 2 era), re-created: the code students were given, unchanged.

It uses `keras.Input(shape=X_train.shape[1])` with an int, which Keras 3
rejects; `minikeras run` accepts it with a deprecation warning:

    python -m minikeras run examples/lesson_course.py

Needs pandas, seaborn, scikit-learn and matplotlib (`pip install 'minikeras[data,sklearn,plot]'`).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import tensorflow
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from tensorflow import keras

tensorflow.random.set_seed(2)
np.random.seed(2)

# Load and clean the data
penguins = sns.load_dataset("penguins")
penguins = penguins.dropna()
features = penguins[["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]]
target = pd.get_dummies(penguins["species"]).astype("float32")

X_train, X_test, y_train, y_test = train_test_split(
    features, target, test_size=0.2, random_state=2, stratify=target
)

# Standardise with the training statistics
mean = X_train.mean()
std = X_train.std()
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std

# The network
inputs = keras.Input(shape=X_train.shape[1])
hidden = keras.layers.Dense(16, activation="relu")(inputs)
outputs = keras.layers.Dense(3, activation="softmax")(hidden)
model = keras.Model(inputs=inputs, outputs=outputs)
model.summary()

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(X_train, y_train, epochs=500, batch_size=32, verbose=0)
print("final training loss:", history.history["loss"][-1])

plt.figure()
plt.semilogy(history.history["loss"])
plt.xlabel("epoch")
plt.ylabel("loss")
plt.title("Training loss")

loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")

y_pred = model.predict(X_test, verbose=0)
predicted = pd.DataFrame(y_pred, columns=target.columns).idxmax(axis="columns")
true = y_test.idxmax(axis="columns")
matrix = confusion_matrix(true, predicted, labels=target.columns)
print(matrix)

plt.figure()
sns.heatmap(pd.DataFrame(matrix, index=target.columns, columns=target.columns), annot=True, fmt="d")
plt.xlabel("Predicted")
plt.ylabel("True")
plt.show()
