/** Options shared by the parameter-free layers (ReLU, pooling, Dropout, Flatten, LogSoftmax). */
export interface FunctionalOption {
  /**
   * Marks the layer as applied like a PyTorch function (`F.relu(x)`, `x.view(…)`) inside its
   * parent rather than as a registered submodule. It computes exactly the same thing; the only
   * difference is that `summary` lists no row for it, as torchsummary lists none for function
   * calls — which is how a PyTorch model's table is reproduced exactly.
   */
  functional?: boolean;
}
