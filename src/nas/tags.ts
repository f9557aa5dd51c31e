// nas/tags.ts: the transport tags the search layer owns (300–399).

/** Driver → every other rank: close your layer store now; the reply says it is closed. */
export const kStoreStopTag = 300;
export const kStoreStoppedTag = 301;
/** Driver → every other rank: the models the search still needs; retain them, drop the rest. */
export const kStoreRetainTag = 302;
