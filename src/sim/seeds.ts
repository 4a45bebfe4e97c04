// The one seed boundary: seeds below it make training data, seeds from it on are for evaluation only
// (eval's default, datagen refuses them, training never sees them).
export const EVAL_SEED_START = 1_000_000;
