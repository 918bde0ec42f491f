import { softwareAdapterReason, type AdapterInfoLike, type WebGpuProbe } from "./backend-choice";

/** Asks the browser for a WebGPU adapter without creating any session. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (gpu === undefined) return { apiPresent: false, adapter: null };
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return { apiPresent: true, adapter: null };
    const info: AdapterInfoLike = {
      vendor: adapter.info?.vendor,
      architecture: adapter.info?.architecture,
      device: adapter.info?.device,
      description: adapter.info?.description,
      // GPUAdapterInfo's since 2025; GPUAdapter's own (deprecated) before.
      isFallbackAdapter: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter,
    };
    const description = [info.vendor, info.architecture, info.description]
      .filter((part) => part !== undefined && part !== "")
      .join(" ");
    const software = softwareAdapterReason(info);
    return {
      apiPresent: true,
      adapter: description === "" ? "unnamed adapter" : description,
      ...(software === null ? {} : { software }),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { apiPresent: true, adapter: null, adapterError: message };
  }
}

// Just the part of the WebGPU API used here (the DOM typings do not include WebGPU).
interface GpuLike {
  requestAdapter(): Promise<{
    info?: AdapterInfoLike;
    isFallbackAdapter?: boolean;
  } | null>;
}
