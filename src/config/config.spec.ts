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

describe("loadConfig: the embedded index's vectors", () => {
  it("are kept as f16 unless VITRINE_INDEX_VECTORS=f32; another value is refused", () => {
    expect(loadConfig({}).embeddedIndex.precision).toBe("f16");
    expect(loadConfig({ VITRINE_INDEX_VECTORS: "f32" }).embeddedIndex.precision).toBe("f32");
    expect(() => loadConfig({ VITRINE_INDEX_VECTORS: "i8" })).toThrow(/VITRINE_INDEX_VECTORS must be one of f32, f16; got "i8"/);
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

describe("loadConfig: CORS", () => {
  it("allows localhost origins in development only, and the listed origins instead when VITRINE_CORS_ORIGINS is set", () => {
    expect(loadConfig({}).cors).toMatchObject({ origins: [], localhost: true, credentials: false, maxAgeSeconds: 600 });
    expect(loadConfig({ NODE_ENV: "production" }).cors).toMatchObject({ origins: [], localhost: false });
    const listed = loadConfig({ NODE_ENV: "production", VITRINE_CORS_ORIGINS: "https://gallery.example.org, http://localhost:3000/", VITRINE_CORS_CREDENTIALS: "1" }).cors;
    expect(listed).toMatchObject({ origins: ["https://gallery.example.org", "http://localhost:3000"], localhost: false, credentials: true });
    expect(loadConfig({ VITRINE_CORS_ORIGINS: "https://gallery.example.org" }).cors.localhost).toBe(false);
  });

  it("refuses an entry that is not an origin, naming the variable", () => {
    expect(() => loadConfig({ VITRINE_CORS_ORIGINS: "gallery.example.org" })).toThrow(/VITRINE_CORS_ORIGINS/);
    expect(() => loadConfig({ VITRINE_CORS_ORIGINS: "https://gallery.example.org/app" })).toThrow(/origin only/);
  });
});

describe("loadConfig: images and public URL", () => {
  it("reads the IIIF limits and the public URL without a trailing slash", () => {
    expect(loadConfig({}).iiif).toEqual({ maxDimension: 4096, cacheBytes: 64 * 1024 * 1024 });
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ VITRINE_PUBLIC_URL: "https://api.example.org/" }).publicUrl).toBe("https://api.example.org");
    expect(() => loadConfig({ VITRINE_PUBLIC_URL: "api.example.org" })).toThrow(/VITRINE_PUBLIC_URL/);
  });
});
