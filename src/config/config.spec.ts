import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig: the embedded index's graph quantization", () => {
  it("is i8 unless VITRINE_INDEX_QUANTIZATION names another", () => {
    expect(loadConfig({}).embeddedIndex.quantization).toBe("i8");
    expect(loadConfig({ VITRINE_INDEX_QUANTIZATION: "f32" }).embeddedIndex.quantization).toBe("f32");
    expect(loadConfig({ VITRINE_INDEX_QUANTIZATION: "f16" }).embeddedIndex.quantization).toBe("f16");
  });

  it("refuses an unknown value, naming the variable and the choices", () => {
    expect(() => loadConfig({ VITRINE_INDEX_QUANTIZATION: "int4" })).toThrow(ConfigError);
    expect(() => loadConfig({ VITRINE_INDEX_QUANTIZATION: "int4" })).toThrow(/VITRINE_INDEX_QUANTIZATION must be one of f32, f16, i8; got "int4"/);
  });
});

describe("loadConfig: Qdrant's quantization", () => {
  it("is none unless QDRANT_QUANTIZATION=int8, and only with QDRANT_URL", () => {
    expect(loadConfig({ QDRANT_URL: "http://localhost:6333" }).qdrant?.quantization).toBe("none");
    expect(loadConfig({ QDRANT_URL: "http://localhost:6333", QDRANT_QUANTIZATION: "int8" }).qdrant?.quantization).toBe("int8");
    expect(loadConfig({ QDRANT_QUANTIZATION: "int8" }).qdrant).toBeUndefined();
  });

  it("refuses an unknown value", () => {
    expect(() => loadConfig({ QDRANT_URL: "http://localhost:6333", QDRANT_QUANTIZATION: "binary" })).toThrow(/QDRANT_QUANTIZATION must be one of none, int8; got "binary"/);
  });
});

describe("loadConfig: the exact-resize limit", () => {
  it("is 4 MP unless VITRINE_IMAGE_EXACT_MAX_PIXELS says otherwise (0: never exact)", () => {
    expect(loadConfig({}).model.exactResizeMaxPixels).toBe(4_000_000);
    expect(loadConfig({ VITRINE_IMAGE_EXACT_MAX_PIXELS: "12000000" }).model.exactResizeMaxPixels).toBe(12_000_000);
    expect(loadConfig({ VITRINE_IMAGE_EXACT_MAX_PIXELS: "0" }).model.exactResizeMaxPixels).toBe(0);
    expect(() => loadConfig({ VITRINE_IMAGE_EXACT_MAX_PIXELS: "12 MP" })).toThrow(/VITRINE_IMAGE_EXACT_MAX_PIXELS must be an integer/);
  });
});
