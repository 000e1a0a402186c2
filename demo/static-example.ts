// The static example needs only the display elements: no explainer, no ONNX Runtime, no model.
import '../components/index.js';
