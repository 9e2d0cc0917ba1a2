export type { ObjectInfo, ObjectStore, PutOptions, TransferProgress } from "./object-store.js";
export { objectKey } from "./object-key.js";
export { LocalObjectStore } from "./local-store.js";
export { createObjectStore, type StoreContext } from "./create-object-store.js";
export { parseS3Uri, type S3Location } from "./s3-location.js";
