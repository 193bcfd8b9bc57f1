"""The Carpentries deep-learning-intro episode "Classification by a neural network using Keras", as one script.

A faithful re-creation of the lesson's code, cell after cell, unchanged: it is
meant to run as the lesson wrote it, either with TensorFlow Keras

    python examples/lesson_carpentries.py

or, with no change to the code, on minikeras:

    python -m minikeras run examples/lesson_carpentries.py
    python -m minikeras diff examples/lesson_carpentries.py     # the two side by side

Needs pandas, seaborn, scikit-learn and matplotlib (`pip install 'minikeras[data,sklearn,plot]'`).
Without a network, `minikeras run` serves seaborn's penguins table offline.
"""

# 1. Formulate / outline the problem: penguin classification
import seaborn as sns

penguins = sns.load_dataset('penguins')
print(penguins.head())
print(penguins['species'].unique())

# 3. Data exploration
pairplot = sns.pairplot(penguins, hue="species")
print(penguins.dtypes)

# 4. Prepare the data
penguins_filtered = penguins.drop(columns=['island', 'sex'])
penguins_filtered = penguins_filtered.dropna()
penguins_features = penguins_filtered.drop(columns=['species'])

import pandas as pd

target = pd.get_dummies(penguins_filtered['species'])
print(target.head())

from sklearn.model_selection import train_test_split

X_train, X_test, y_train, y_test = train_test_split(penguins_features, target, test_size=0.2,
                                                    random_state=0, shuffle=True, stratify=target)
print(X_train.shape, X_test.shape)

# 5. Build an architecture from scratch or choose a pretrained model
import keras

print(keras.__version__)

from numpy.random import seed

seed(1)
keras.utils.set_random_seed(2)

inputs = keras.Input(shape=(X_train.shape[1],))
hidden_layer = keras.layers.Dense(10, activation="relu")(inputs)
output_layer = keras.layers.Dense(3, activation="softmax")(hidden_layer)

model = keras.Model(inputs=inputs, outputs=output_layer)
model.summary()

# 6. Choose a loss function and optimizer
model.compile(optimizer='adam', loss=keras.losses.CategoricalCrossentropy())

# 7. Train the model
history = model.fit(X_train, y_train, epochs=100)

sns.lineplot(x=history.epoch, y=history.history['loss'])

# 8. Perform a prediction/classification
y_pred = model.predict(X_test)
prediction = pd.DataFrame(y_pred, columns=target.columns)
print(prediction)

predicted_species = prediction.idxmax(axis="columns")
print(predicted_species)

# 9. Measuring performance
from sklearn.metrics import confusion_matrix

true_species = y_test.idxmax(axis="columns")

matrix = confusion_matrix(true_species, predicted_species)
print(matrix)

# Convert to a pandas dataframe
confusion_df = pd.DataFrame(matrix, index=y_test.columns.values, columns=y_test.columns.values)

# Set the names of the x and y axis, this helps with the readability of the heatmap.
confusion_df.index.name = 'True Label'
confusion_df.columns.name = 'Predicted Label'
print(confusion_df.head())

sns.heatmap(confusion_df, annot=True)

# 10. Share model
model.save('my_first_model.keras')

pretrained_model = keras.models.load_model('my_first_model.keras')

# use the pretrained model here
y_pretrained_pred = pretrained_model.predict(X_test)
pretrained_prediction = pd.DataFrame(y_pretrained_pred, columns=target.columns.values)

# idxmax will select the column for each row with the highest value
pretrained_predicted_species = pretrained_prediction.idxmax(axis="columns")
print(pretrained_predicted_species)
