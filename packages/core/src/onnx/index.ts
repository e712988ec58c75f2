export type { OnnxExportOptions, OnnxExportSource, OnnxWeight } from './export-onnx';
export {
  exportOnnx,
  ONNX_INPUT_NAME,
  ONNX_LOG_PROBS_NAME,
  ONNX_LOGITS_NAME,
} from './export-onnx';
export type { OnnxExportErrorCode } from './onnx-export-error';
export { OnnxExportError } from './onnx-export-error';
export { ONNX_IR_VERSION, ONNX_OPSET } from './onnx-graph';
